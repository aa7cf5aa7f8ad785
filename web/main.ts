import "./styles.css";
import { ChatApp } from "./app.js";

void new ChatApp().start();
