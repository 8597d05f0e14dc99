// The machine-readable contract of every topic (AsyncAPI 3.0) and the check that keeps it compatible.
export * from './channels.ts';
export * from './compatibility.ts';
export * from './document.ts';
export * from './schema-diff.ts';
