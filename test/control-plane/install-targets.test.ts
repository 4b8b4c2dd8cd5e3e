import { Chart } from 'cdk8s';
import * as istio from '../../lib';

function synth(target: istio.InstallTarget | undefined, env = istio.Environment.PROD, extra: Partial<istio.MeshControlPlaneProps> = {}) {
  const app = new istio.MeshApp({ outdir: '/tmp/cp-test', printSummary: false });
  const chart = new istio.MeshChart(app, env.name, { environment: env });
  const cp = new istio.MeshControlPlane(chart, 'cp', { revision: target && target.kind === 'sail' ? undefined : '1-30-3', revisionTag: `${env.name}-stable`, ...(target ? { target } : {}), ...extra });
  new istio.MeshNamespace(chart, 'shop', { controlPlane: cp });
  return { app, chart, cp, out: app.synthOutputs()[0] };
}
test('smoke', () => {
  for (const t of [undefined, istio.InstallTarget.helm({ tool: istio.GitOpsTool.FLUX }), istio.InstallTarget.helm({ tool: istio.GitOpsTool.ARGO_CD }), istio.InstallTarget.sail()]) {
    const { out } = synth(t);
    console.log(JSON.stringify(out.controlPlane.filter((o) => o.kind !== "MutatingWebhookConfiguration")));
    void Chart;
  }
});
