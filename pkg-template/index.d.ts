// Types for every entry (browser, Vite, Node, workerd): they all export the same API.
export * from "./expense_auth.js";
