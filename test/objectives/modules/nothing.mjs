// Exports no objective at all.
export const learningRates = [0.1, 0.01];
