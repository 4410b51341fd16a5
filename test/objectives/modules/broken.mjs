// Fails while being imported.
throw new Error("dataset folder is not configured");
