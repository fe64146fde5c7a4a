export function emulatorCatalog() { return ''; }
