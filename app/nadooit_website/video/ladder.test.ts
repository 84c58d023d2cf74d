import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ffmpegArgs, masterPlaylist, passes, plan } from './ladder.js';
import { DEFAULT_LADDER, parseLadder } from './settings.js';

describe('transcoding ladder', () => {
  it('never upscales; a source below the lowest rung gets one rendition at its own height', () => {
    assert.deepEqual(plan(DEFAULT_LADDER, { width: 1280, height: 720 }).map((r) => [r.width, r.height, r.videoKbps]), [[854, 480, 1500], [1280, 720, 2500]]);
    assert.deepEqual(plan(DEFAULT_LADDER, { width: 1920, height: 1080 }).map((r) => r.height), [480, 720, 1080]);
    assert.deepEqual(plan(DEFAULT_LADDER, { width: 640, height: 360 }).map((r) => [r.width, r.height]), [[640, 360]]);
  });

  it('groups rungs into ffmpeg runs by mode', () => {
    const rungs = plan(DEFAULT_LADDER, { width: 1920, height: 1080 });
    assert.deepEqual(passes(rungs, 'progressive').map((run) => run.map((r) => r.height)), [[480], [720, 1080]]);
    assert.deepEqual(passes(rungs, 'one-pass').map((run) => run.map((r) => r.height)), [[480, 720, 1080]]);
    assert.deepEqual(passes(rungs, 'per-rendition').map((run) => run.map((r) => r.height)), [[480], [720], [1080]]);
  });

  it('decodes once per run, with H.264 High, a fixed GOP without scene cuts and AAC stereo per output', () => {
    const rungs = plan(DEFAULT_LADDER, { width: 1280, height: 720 });
    const args = ffmpegArgs('in.mp4', rungs, { frameRate: '30/1', hasAudio: true, preset: 'medium', outDir: (r) => `/out/${r.height}p` });
    assert.equal(args.filter((a) => a === '-i').length, 1);
    assert.match(args[args.indexOf('-filter_complex') + 1]!, /^\[0:v:0\]split=2\[v0\]\[v1\];\[v0\]scale=854:480/);
    assert.equal(args.filter((a) => a === 'high').length, 2);
    assert.equal(args[args.indexOf('-g') + 1], '60');
    assert.equal(args[args.indexOf('-sc_threshold') + 1], '0');
    assert.equal(args[args.indexOf('-ac') + 1], '2');
    assert.ok(args.includes('/out/720p/index.m3u8'));
  });

  it('writes the master playlist lowest first with bandwidth, resolution and codecs', () => {
    const text = masterPlaylist([{ height: 720, width: 1280, videoKbps: 2500 }, { height: 480, width: 854, videoKbps: 1500 }], true);
    assert.equal(text.indexOf('480p/index.m3u8') < text.indexOf('720p/index.m3u8'), true);
    assert.match(text, /BANDWIDTH=1733000,AVERAGE-BANDWIDTH=1628000,RESOLUTION=854x480,CODECS="avc1\.64002a,mp4a\.40\.2"/);
  });

  it('reads VIDEO_LADDER and explains what is wrong with it', () => {
    assert.deepEqual(parseLadder('720:2500, 480p:1500k'), [{ height: 480, videoKbps: 1500 }, { height: 720, videoKbps: 2500 }]);
    assert.throws(() => parseLadder('720'), /is not <height>:<kbit\/s>/);
    assert.throws(() => parseLadder('721:100'), /must be even/);
    assert.throws(() => parseLadder('480:100,480:200'), /each height once/);
  });
});
