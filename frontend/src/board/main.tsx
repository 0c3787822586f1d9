// Must stay the first import: sets window.EXCALIDRAW_ASSET_PATH before
// Excalidraw's module is evaluated (ES modules evaluate in import order).
import "./assetPath";

import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import "@excalidraw/excalidraw/index.css";
import { PracticeBoard } from "./PracticeBoard";

const container = document.getElementById("board-root");

if (container) {
  createRoot(container).render(
    <StrictMode>
      <PracticeBoard />
    </StrictMode>,
  );
} else {
  console.error("MockRoom board: #board-root element not found");
}
