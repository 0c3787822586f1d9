// Must stay the first import: sets window.EXCALIDRAW_ASSET_PATH before Excalidraw's
// module is evaluated (ES modules evaluate in import order; the board chunk loads later).
import "./assetPath";

import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { readRoomConfig } from "./config";
import { RoomApp } from "./RoomApp";
import "./room.css";
import "../rubric/rubric.css";

const container = document.getElementById("room-root");
const config = container ? readRoomConfig(container.dataset) : null;

if (container && config) {
  createRoot(container).render(
    <StrictMode>
      <RoomApp config={config} />
    </StrictMode>,
  );
} else if (container) {
  container.textContent = "The room could not start: the page is missing its settings.";
  console.error("MockRoom room: #room-root lacks data-public-id or data-ws-path");
} else {
  console.error("MockRoom room: #room-root element not found");
}
