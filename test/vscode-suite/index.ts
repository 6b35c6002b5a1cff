/** Entry point @vscode/test-electron loads in the extension host: runs the mocha suites. */
import Mocha from 'mocha';
import { registerExtensionSuite } from './extension.suite';

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', timeout: 60_000, color: true });
  mocha.suite.emit('pre-require', globalThis, 'extension.suite', mocha);
  registerExtensionSuite();
  return new Promise((resolve, reject) => {
    mocha.run((failures) => (failures > 0 ? reject(new Error(`${failures} test(s) failed`)) : resolve()));
  });
}
