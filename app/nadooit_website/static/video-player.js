// Self-hosted video players ({{ video }}): hls.js (served by the app) on the master playlist, automatic
// quality by default and a manual choice. Runs for players in the page and for those htmx inserts later.
(function () {
  'use strict';
  let hlsLoading = null;

  function loadHls(src) {
    if (window.Hls) return Promise.resolve(window.Hls);
    if (!hlsLoading) {
      hlsLoading = new Promise(function (resolve, reject) {
        const script = document.createElement('script');
        script.src = src;
        script.onload = function () { resolve(window.Hls); };
        script.onerror = function () { hlsLoading = null; reject(new Error('hls.js could not be loaded')); };
        document.head.appendChild(script);
      });
    }
    return hlsLoading;
  }

  function qualityControls(video) {
    const box = video.closest('.web-video') && video.closest('.web-video').querySelector('.web-video-quality');
    return { box: box, select: box && box.querySelector('select') };
  }

  function attach(video) {
    if (video.dataset.playerReady) return;
    video.dataset.playerReady = 'loading';
    const src = video.dataset.hlsSrc;
    loadHls(video.dataset.hlsScript).then(function (Hls) {
      if (!Hls || !Hls.isSupported()) {
        // Safari and iOS play HLS themselves (quality is then chosen by the browser).
        video.src = src;
        video.dataset.playerReady = 'native';
        return;
      }
      const hls = new Hls({ enableWorker: false, capLevelToPlayerSize: false });
      video.hls = hls;
      hls.loadSource(src);
      hls.attachMedia(video);
      const controls = qualityControls(video);
      hls.on(Hls.Events.MANIFEST_PARSED, function () {
        if (controls.select) {
          hls.levels.forEach(function (level, index) {
            const option = document.createElement('option');
            option.value = String(index);
            option.textContent = level.height + 'p';
            controls.select.appendChild(option);
          });
          controls.box.hidden = hls.levels.length < 2;
          controls.select.addEventListener('change', function () {
            hls.currentLevel = Number(controls.select.value);
          });
        }
        video.dataset.playerReady = 'hls';
      });
      hls.on(Hls.Events.LEVEL_SWITCHED, function (_event, data) {
        const level = hls.levels[data.level];
        if (level) video.dataset.currentHeight = String(level.height);
      });
      hls.on(Hls.Events.ERROR, function (_event, data) {
        if (data.fatal && data.type === Hls.ErrorTypes.NETWORK_ERROR) hls.startLoad();
        else if (data.fatal && data.type === Hls.ErrorTypes.MEDIA_ERROR) hls.recoverMediaError();
      });
    }).catch(function () {
      video.src = src;
      video.dataset.playerReady = 'native';
    });
  }

  function scan(root) {
    (root || document).querySelectorAll('video.web-video-player[data-hls-src]').forEach(attach);
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', function () { scan(); });
  else scan();
  document.addEventListener('htmx:load', function (event) { scan(event.target); });
})();
