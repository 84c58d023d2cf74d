import path from 'node:path';
import { addStaticMount } from '../ui/assets.js';

// Registered on import, before the HTTP server mounts the static folders.
addStaticMount('admin', path.join(import.meta.dirname, 'static'));
