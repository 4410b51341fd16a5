// Only a default export: used when the reference names no export.
export default async function (trial) {
  return trial.suggestInt("n", 1, 10) * 2;
}
