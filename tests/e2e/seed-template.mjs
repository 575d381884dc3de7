/**
 * `node tests/e2e/seed-template.mjs DIR`: migrate and seed the demo data once into the empty
 * directory DIR. tests/e2e/run.sh does it before the suites and passes DIR to them as
 * DANGJIAN_E2E_TEMPLATE; each suite's backend then starts from a copy (harness.mjs, startBackend).
 */
import { seedDemo } from './harness.mjs'

const dir = process.argv[2]
if (!dir) throw new Error('usage: node tests/e2e/seed-template.mjs DIR')
seedDemo(dir)
