export type { Obj } from '../support/charts';
export { meshChart, synth, find, errorOf as thrown, synthError } from '../support/charts';
