/** The folder `npm run build` writes the UI to: `<package>/dist/web`. */
export declare const DEFAULT_WEB_OUTDIR: string;
/** Builds the UI into `outdir` (emptied first): index.html and content-hashed assets. */
export declare function buildWeb(outdir?: string): Promise<{ outdir: string; script: string; style: string }>;
