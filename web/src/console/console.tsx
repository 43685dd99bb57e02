/** Entry of the console chunk: main.tsx imports it only for `/console` addresses. */
import { render } from "preact";
import { ConsoleApp } from "./ConsoleApp";
import "./console.css";

export function mountConsole(root: HTMLElement): void {
  render(<ConsoleApp />, root);
}
