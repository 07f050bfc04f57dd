import { mount } from 'svelte'
import { prewarm, setWorkerUrl } from 'maplibre-gl'
import 'maplibre-gl/dist/maplibre-gl.css'
// The shared look (before every component's own styles, which refine it).
import './styles/common.css'
// MapLibre 6 cannot find its worker inside a bundle: Vite emits it and gives its URL.
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?worker&url'
import App from './App.svelte'

setWorkerUrl(workerUrl)
// Start the map's worker now, while the first requests are on their way.
prewarm()

mount(App, { target: document.getElementById('app')! })
