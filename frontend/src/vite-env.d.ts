/// <reference types="vite/client" />

interface ImportMetaEnv {
  /** Origin of the API when it is not the page's own, e.g. https://tsunagu.example. */
  readonly VITE_API_BASE?: string;
  /** Minutes without input before automatic sign-out (default 30). */
  readonly VITE_IDLE_MINUTES?: string;
}

interface ImportMeta {
  readonly env: ImportMetaEnv;
}
