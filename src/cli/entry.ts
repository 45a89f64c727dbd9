// The process entry of the `supportal` command (bin/supportal.js runs its compiled form).
import { main } from './main.js';

process.exitCode = await main(process.argv.slice(2));
