// npm itself runs on the machine's Node; `npm run` puts the `node` devDependency (24) first on
// PATH. A run below 24 (say after `npm ci --ignore-scripts`) would fail obscurely, so say why.
const major = Number(process.versions.node.split('.')[0]);
if (major < 24) {
  console.error(
    `Node ${process.versions.node} is running, but the tests need Node 24 (the Lambda runtime). ` +
      'Run them through npm (npm test), after a plain `npm ci` that installs the node devDependency.',
  );
  process.exit(1);
}
