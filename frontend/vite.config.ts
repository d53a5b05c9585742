/// <reference types="vitest/config" />
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// Django (WhiteNoise) serves the built files under STATIC_URL, so the build uses
// base "/static/"; the dev server keeps "/" so the client routes (/, /history, ...)
// work as they do behind Django.
// DJANGO_URL points the dev proxy at another backend (e.g. http://127.0.0.1:8001).
const DJANGO = process.env.DJANGO_URL ?? "http://127.0.0.1:8000";

export default defineConfig(({ command }) => ({
  base: command === "build" ? "/static/" : "/",
  plugins: [react()],
  build: {
    outDir: "dist",
    emptyOutDir: true,
    sourcemap: false,
  },
  server: {
    proxy: {
      "/api": { target: DJANGO, changeOrigin: true },
      "/ws": { target: DJANGO, ws: true, changeOrigin: true },
    },
  },
  test: {
    environment: "jsdom",
    include: ["src/**/*.test.{ts,tsx}"],
    restoreMocks: true,
  },
}));
