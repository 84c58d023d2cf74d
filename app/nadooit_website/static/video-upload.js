// The admin's video uploader: a small tus 1.0 client. The file goes up in chunks (each with a SHA-1
// checksum); a cut connection or a closed tab resumes where the server says the upload stands.
(function () {
  'use strict';
  const form = document.getElementById('video-upload-form');
  if (!form) return;
  const endpoint = form.dataset.endpoint;
  const chunkSize = Number(form.dataset.chunkSize) || 8 * 1024 * 1024;
  const csrf = document.querySelector('meta[name="csrf-token"]').content;
  const progress = document.getElementById('video-upload-progress');
  const message = document.getElementById('video-upload-message');
  const button = form.querySelector('button[type="submit"]');

  function say(text, kind) {
    message.textContent = text;
    message.className = 'alert mt-3 alert-' + (kind || 'info');
    message.hidden = false;
  }

  function b64(text) {
    return btoa(String.fromCharCode.apply(null, new TextEncoder().encode(text)));
  }

  async function checksum(blob) {
    if (!window.crypto || !crypto.subtle) return null;
    const digest = await crypto.subtle.digest('SHA-1', await blob.arrayBuffer());
    return 'sha1 ' + btoa(String.fromCharCode.apply(null, new Uint8Array(digest)));
  }

  function request(method, url, headers, body) {
    const all = Object.assign({ 'Tus-Resumable': '1.0.0', 'X-CSRFToken': csrf }, headers);
    return fetch(url, { method: method, headers: all, body: body, credentials: 'same-origin' });
  }

  async function errorText(response) {
    try {
      return (await response.json()).message;
    } catch (_) {
      return 'HTTP ' + response.status;
    }
  }

  async function start(file, title) {
    const key = 'tus:' + file.name + ':' + file.size + ':' + file.lastModified;
    let url = localStorage.getItem(key);
    let offset = 0;
    if (url) {
      const head = await request('HEAD', url, {});
      if (head.ok) offset = Number(head.headers.get('Upload-Offset'));
      else url = null;
    }
    if (!url) {
      const created = await request('POST', endpoint, { 'Upload-Length': String(file.size), 'Upload-Metadata': 'filename ' + b64(file.name) + ',title ' + b64(title) });
      if (created.status !== 201) throw new Error(await errorText(created));
      url = created.headers.get('Location');
      localStorage.setItem(key, url);
    }
    for (let attempt = 0; offset < file.size; ) {
      const chunk = file.slice(offset, offset + chunkSize);
      const headers = { 'Content-Type': 'application/offset+octet-stream', 'Upload-Offset': String(offset) };
      const sum = await checksum(chunk);
      if (sum) headers['Upload-Checksum'] = sum;
      let response;
      try {
        response = await request('PATCH', url, headers, chunk);
      } catch (_) {
        response = null; // the connection broke: ask where we stand and go on
      }
      if (response && response.status === 204) {
        offset = Number(response.headers.get('Upload-Offset'));
        attempt = 0;
        progress.value = Math.round((offset / file.size) * 1000);
        if (offset >= file.size) {
          localStorage.removeItem(key);
          return response;
        }
        continue;
      }
      if (response && response.status !== 409 && response.status !== 460 && response.status < 500) {
        localStorage.removeItem(key);
        throw new Error(await errorText(response));
      }
      if (++attempt > 5) throw new Error('Die Verbindung bricht immer wieder ab. Später erneut versuchen: der Upload setzt dann fort.');
      await new Promise(function (resolve) { setTimeout(resolve, 1000 * attempt); });
      const head = await request('HEAD', url, {});
      if (!head.ok) throw new Error(await errorText(head));
      offset = Number(head.headers.get('Upload-Offset'));
    }
  }

  form.addEventListener('submit', async function (event) {
    event.preventDefault();
    const file = form.querySelector('input[type="file"]').files[0];
    if (!file) return say('Bitte eine Videodatei wählen.', 'warning');
    button.disabled = true;
    progress.hidden = false;
    say('Wird hochgeladen …');
    try {
      const done = await start(file, form.querySelector('input[name="title"]').value);
      const id = done.headers.get('X-Video-Id');
      const duplicate = done.headers.get('X-Video-Duplicate');
      say(duplicate ? 'Dieses Video ist schon vorhanden: „' + decodeURIComponent(duplicate) + '“.' : 'Hochgeladen. Die Umwandlung ist eingeplant.', 'success');
      if (id) window.location.assign(form.dataset.videoBase + id + '/');
    } catch (error) {
      say(error.message, 'danger');
    } finally {
      button.disabled = false;
    }
  });
})();
