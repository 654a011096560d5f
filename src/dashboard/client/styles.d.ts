// Stylesheets imported by main.ts: esbuild bundles them into dashboard.css.
declare module '*.css';
