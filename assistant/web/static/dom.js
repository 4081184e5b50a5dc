// Building DOM nodes safely: text always goes in as text nodes, never as HTML, so nothing the server
// (or a document's author) wrote can become markup or script on this page.

const SVG_NS = "http://www.w3.org/2000/svg";

function build(node, attributes, children) {
  for (const [name, value] of Object.entries(attributes || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name === "class") node.setAttribute("class", value);
    else if (name === "dataset") Object.assign(node.dataset, value);
    else if (name.startsWith("on") && typeof value === "function") node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

/** `el("p", {class: "note"}, "text", otherNode)`: an HTML element; strings become text nodes. */
export function el(tag, attributes = {}, ...children) {
  return build(document.createElement(tag), attributes, children);
}

/** The same for SVG elements (the chart). */
export function svg(tag, attributes = {}, ...children) {
  return build(document.createElementNS(SVG_NS, tag), attributes, children);
}

export function clear(node) {
  node.replaceChildren();
  return node;
}

/** An external link that opens in a new tab and tells the other site nothing about this page. */
export function externalLink(href, text) {
  if (!/^https?:\/\//i.test(href || "")) return null; // only web links: never javascript: or data:
  return el("a", { href, target: "_blank", rel: "noopener noreferrer", class: "external" }, text);
}
