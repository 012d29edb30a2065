/**
 * Audio utilities. PCM16 mono (`Int16Array`) is utter's internal audio currency; these functions get
 * provider audio into it and out of it again.
 */
export {
  IS_LITTLE_ENDIAN,
  base64ToBytes,
  bytesToBase64,
  bytesToPcm16,
  base64ToPcm16,
  createPcm16Decoder,
  pcm16ToBytes,
  pcmToBase64,
  concatPcm,
  durationMs,
  samplesForMs,
} from './pcm16.js';
export type { BinaryInput, BytesToPcm16Options, Pcm16Decoder } from './pcm16.js';
export { float32ToInt16, int16ToFloat32, float32BytesToInt16 } from './float.js';
export {
  linearToMulaw,
  mulawToLinear,
  linearToAlaw,
  alawToLinear,
  encodeMulaw,
  decodeMulaw,
  encodeAlaw,
  decodeAlaw,
} from './g711.js';
export { wavHeader, encodeWav, parseWav, wavDataToPcm16, toMono, createWavHeaderStripper } from './wav.js';
export type { WavEncoding, WavFormat, WavHeaderOptions, ParsedWav, WavHeaderStripper, WavHeaderStripperOptions } from './wav.js';
export { resample, createResampler } from './resample.js';
export type { Resampler, ResamplerOptions } from './resample.js';
export { createFramer } from './framer.js';
export type { Framer, FramerOptions } from './framer.js';
