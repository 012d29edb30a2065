/**
 * Audio utility benchmarks. Run from the repository root:
 *   pnpm exec tsx --conditions=@utter/source packages/core/bench/audio.bench.ts
 *
 * - base64 -> PCM16 throughput (MB of PCM per second), ours vs a naive per-sample loop
 *   (atob + charCodeAt + DataView.getInt16 per sample), for a 100 ms chunk and for 10 s of audio;
 * - resampler speed as a multiple of real time on 10 s of audio;
 * - mu-law encode throughput.
 * Times are medians of the samples tinybench takes.
 */
import { Bench } from 'tinybench';
import { base64ToPcm16, createResampler, encodeMulaw, pcmToBase64 } from '../src/audio/index.js';

function speechLike(rate: number, seconds: number): Int16Array {
  const n = Math.round(rate * seconds);
  const out = new Int16Array(n);
  let seed = 1;
  for (let i = 0; i < n; i++) {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    const noise = (seed / 0x7fffffff - 0.5) * 2000;
    out[i] = Math.round(8000 * Math.sin((2 * Math.PI * 220 * i) / rate) + 3000 * Math.sin((2 * Math.PI * 1870 * i) / rate) + noise);
  }
  return out;
}

/** The per-sample loop many SDK samples use. */
function naiveBase64ToPcm16(base64: string): Int16Array {
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  const view = new DataView(bytes.buffer);
  const out = new Int16Array(bytes.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = view.getInt16(i * 2, true);
  return out;
}

let sink = 0;
const TIME_MS = 400;

async function main(): Promise<void> {
  const rows: Array<Record<string, string>> = [];

  // --- base64 -> PCM16 -------------------------------------------------------------------------
  for (const [label, seconds] of [['100 ms chunk @24 kHz', 0.1], ['10 s @24 kHz', 10]] as const) {
    const pcm = speechLike(24000, seconds);
    const b64 = pcmToBase64(pcm);
    const check = naiveBase64ToPcm16(b64);
    if (check.length !== pcm.length || base64ToPcm16(b64).some((v, i) => v !== check[i])) throw new Error('decoders disagree');
    const bench = new Bench({ time: TIME_MS, warmupTime: 100 });
    bench
      .add('ours', () => {
        sink += base64ToPcm16(b64).length;
      })
      .add('naive', () => {
        sink += naiveBase64ToPcm16(b64).length;
      });
    await bench.run();
    const ours = medianMs(bench.tasks[0]?.result);
    const naive = medianMs(bench.tasks[1]?.result);
    const mbps = (ms: number): number => pcm.byteLength / 1e6 / (ms / 1000);
    rows.push({
      benchmark: `base64 -> PCM16, ${label}`,
      ours: `${mbps(ours).toFixed(0)} MB/s`,
      baseline: `${mbps(naive).toFixed(0)} MB/s (naive loop)`,
      ratio: `${(naive / ours).toFixed(1)}x faster`,
    });
  }

  // --- resampler -------------------------------------------------------------------------------
  for (const [from, to] of [[24000, 16000], [22050, 24000], [44100, 8000]] as const) {
    const input = speechLike(from, 10);
    const bench = new Bench({ time: TIME_MS, warmupTime: 100, iterations: 3 });
    bench.add(`${from}->${to}`, () => {
      const resampler = createResampler({ fromRate: from, toRate: to });
      // Stream it the way a provider delivers audio: 100 ms chunks.
      const chunk = from / 10;
      for (let at = 0; at < input.length; at += chunk) sink += resampler.push(input.subarray(at, at + chunk)).length;
      sink += resampler.flush().length;
    });
    await bench.run();
    const ms = medianMs(bench.tasks[0]?.result);
    rows.push({
      benchmark: `resample ${from} -> ${to} Hz, 10 s in 100 ms chunks`,
      ours: `${ms.toFixed(1)} ms`,
      baseline: 'real time: 10000 ms',
      ratio: `${(10_000 / ms).toFixed(0)}x real time`,
    });
  }

  // --- mu-law ----------------------------------------------------------------------------------
  {
    const pcm = speechLike(8000, 10);
    const bench = new Bench({ time: TIME_MS, warmupTime: 100 });
    bench.add('mulaw', () => {
      sink += encodeMulaw(pcm).length;
    });
    await bench.run();
    const ms = medianMs(bench.tasks[0]?.result);
    rows.push({
      benchmark: 'mu-law encode, 10 s @8 kHz',
      ours: `${(pcm.length / 1e6 / (ms / 1000)).toFixed(0)} Msamples/s`,
      baseline: 'real time: 0.008 Msamples/s',
      ratio: `${(10_000 / ms).toFixed(0)}x real time`,
    });
  }

  console.log(`Node ${process.version}, ${process.arch}`);
  console.table(rows);
  if (sink === 42) console.log(''); // keep results alive
}

/** Median latency in ms (robust on a shared, busy machine). */
function medianMs(result: unknown): number {
  const r = result as { latency?: { p50?: number }; error?: unknown } | undefined;
  if (r?.latency?.p50 === undefined) throw new Error(`benchmark did not complete: ${String(r?.error ?? 'no result')}`);
  return r.latency.p50;
}

await main();
