export type { Obj } from '../support/charts';
export { meshChart, synth, synthValid, find, errorOf as thrown, synthError } from '../support/charts';
