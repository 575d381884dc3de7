/**
 * Vite plugin: after the build, write `name.br` (brotli, quality 11) and `name.gz` (gzip, level 9)
 * beside every compressible file of the output directory. The backend (dangjian/core/static_files.py)
 * and nginx (gzip_static) answer with them by Accept-Encoding; nothing is compressed per request.
 * A form is kept only when it is smaller than the file itself.
 */
import { readdir, readFile, writeFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { promisify } from 'node:util'
import { brotliCompress, constants, gzip } from 'node:zlib'
import type { Plugin } from 'vite'

const brotli = promisify(brotliCompress)
const gzipAsync = promisify(gzip)

const COMPRESSIBLE = /\.(js|mjs|css|html|svg|json|txt|map)$/
/** Smaller files gain too little to be worth a second request path. */
const MIN_BYTES = 1024

async function* files(dir: string): AsyncGenerator<string> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) yield* files(path)
    else if (entry.isFile()) yield path
  }
}

async function compress(path: string): Promise<void> {
  const data = await readFile(path)
  if (data.length < MIN_BYTES) return
  const [br, gz] = await Promise.all([
    brotli(data, {
      params: {
        [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
        [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
        [constants.BROTLI_PARAM_SIZE_HINT]: data.length,
      },
    }),
    gzipAsync(data, { level: 9 }),
  ])
  if (br.length < data.length) await writeFile(`${path}.br`, br)
  if (gz.length < data.length) await writeFile(`${path}.gz`, gz)
}

export function precompress(): Plugin {
  let outDir = 'dist'
  return {
    name: 'dangjian:precompress',
    apply: 'build',
    configResolved(config) {
      outDir = resolve(config.root, config.build.outDir)
    },
    async closeBundle() {
      const targets: string[] = []
      for await (const path of files(outDir)) if (COMPRESSIBLE.test(path)) targets.push(path)
      await Promise.all(targets.map(compress))
    },
  }
}
