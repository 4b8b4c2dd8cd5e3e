export { FlaggerCanary, FlaggerProvider, FlaggerWebhook, FlaggerWebhookType } from './flagger-canary';
export type { FlaggerCanaryProps, FlaggerAnalysis, LoadTestOptions, WebhookOptions } from './flagger-canary';
