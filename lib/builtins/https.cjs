// Loaded with require(), not import: see the http-through-require plugin in esbuild.config.mjs.
module.exports = require('node:https');
