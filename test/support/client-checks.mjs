// The pass/fail harness of the Node-side client tests (test/clients/*.mjs): named cases that
// print ✓ / ✗ as they run, and one closing "N passed, N failed" line with the exit code.
export function clientChecks() {
  let passed = 0;
  const failures = [];
  return {
    check(condition, message) {
      if (!condition) throw new Error(message);
    },
    async test(name, fn) {
      try {
        await fn();
        passed++;
        console.log(`  ✓ ${name}`);
      } catch (err) {
        failures.push(name);
        console.log(`  ✗ ${name}\n    ${String(err?.stack ?? err).split('\n').slice(0, 4).join('\n    ')}`);
      }
    },
    finish() {
      console.log(`${passed} passed, ${failures.length} failed`);
      process.exit(failures.length ? 1 : 0);
    },
  };
}
