// Opens plan pages written by `infinstor show --format html` in headless Chromium and checks
// what a reviewer does with them. Prints one JSON object of what it saw; the Rust test
// (tests/plan_picture.rs) asserts on it.
//
// node picture.js CHROMIUM PAGE SCREENSHOT REPLACED_ADDRESS MODULE_ADDRESS BIG_PAGE
"use strict";
const { chromium } = require("playwright-core");
const [chromiumPath, pagePath, screenshot, replaced, moduleAddress, bigPage] = process.argv.slice(2);

async function open(browser, file) {
  const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
  const seen = { errors: [], requests: [] };
  page.on("console", (m) => { if (m.type() === "error") seen.errors.push(m.text()); });
  page.on("pageerror", (e) => seen.errors.push(String(e)));
  const url = require("url").pathToFileURL(require("path").resolve(file)).href;
  // Loading the page's own file (which Chromium may report more than once) is the only
  // request allowed.
  page.on("request", (r) => { if (r.url().split("#")[0] !== url) seen.requests.push(r.resourceType() + " " + r.url()); });
  const started = Date.now();
  await page.goto(url);
  await page.waitForSelector("body[data-ready]", { timeout: 60000 });
  seen.loadMs = Date.now() - started;
  return [page, seen];
}

const nodeId = (page, address) =>
  page.evaluate((a) => {
    for (const g of document.querySelectorAll("#graph [data-node]")) {
      const t = g.querySelector("title");
      if (t && t.textContent === a) return g.id;
    }
    return null;
  }, address);

(async () => {
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
      "--disable-component-update", "--disable-sync"],
  });
  const out = {};
  try {
    const [page, seen] = await open(browser, pagePath);
    out.page = seen;
    out.nodes = await page.locator("#graph [data-node]").count();
    out.summary = await page.textContent("#summary");
    // A click on the replaced bucket shows its diff.
    const id = await nodeId(page, replaced);
    out.replacedFound = id !== null;
    if (id) {
      await page.click("#" + id);
      out.clickTitle = await page.textContent("#details h2");
      out.clickDiff = await page.textContent("#details pre");
      out.clickSelected = await page.getAttribute("#" + id, "class");
      out.clickDragged = await page.locator("#graph .node.dragged").count();
      out.clickLists = await page.locator("#details h3").allTextContents();
      out.replacedEdges = await page.locator("#graph .edge.replaced").count();
    }
    // The access review links to its node.
    const link = page.locator("#access a[data-node]").first();
    out.findingLinks = await page.locator("#access a[data-node]").count();
    if (out.findingLinks > 0) {
      const target = await link.getAttribute("data-node");
      out.findingAddress = await link.textContent();
      await link.click();
      out.findingTitle = await page.textContent("#details h2");
      out.findingSelected = await page.getAttribute("#node-" + target, "class");
    }
    // A module collapses and expands.
    const heads = await page.evaluate((m) => {
      for (const h of document.querySelectorAll("#graph .group-head")) {
        if (h.textContent.trim() === "▾ " + m) return h.dataset.group;
      }
      return null;
    }, moduleAddress);
    out.moduleFound = heads !== null;
    if (heads !== null) {
      const before = await page.locator("#graph [data-node]").count();
      await page.click(`#graph .group-head[data-group="${heads}"]`);
      out.collapsed = { before, after: await page.locator("#graph [data-node]").count(),
        folded: await page.locator(`#graph .folded[data-group="${heads}"]`).count(),
        counts: await page.textContent(`#graph .folded[data-group="${heads}"] .counts`) };
      await page.click(`#graph .folded[data-group="${heads}"]`);
      out.expanded = { after: await page.locator("#graph [data-node]").count(),
        folded: await page.locator(`#graph .folded[data-group="${heads}"]`).count() };
    }
    await page.click("#expand-all");
    out.allExpanded = await page.locator("#graph [data-node]").count();
    await page.click("#collapse-all");
    out.allCollapsed = await page.locator("#graph [data-node]").count();
    // Search by address, then keyboard: "/" focuses the search, Enter goes to the first match.
    await page.keyboard.press("Escape");
    await page.keyboard.press("/");
    out.searchFocused = await page.evaluate(() => document.activeElement && document.activeElement.id);
    await page.keyboard.type(replaced);
    out.searchMatches = await page.textContent("#matches");
    await page.keyboard.press("Enter");
    out.searchTitle = await page.textContent("#details h2");
    await page.keyboard.press("Escape");
    await page.locator("#graph").focus();
    await page.keyboard.press("j");
    out.keyboardTitle = await page.textContent("#details h2");
    // The picture kept: every group open, the replaced bucket selected with what it drags.
    await page.click("#expand-all");
    if (id) await page.click("#" + id);
    out.draggedWhenOpen = await page.locator("#graph .node.dragged").count();
    await page.screenshot({ path: screenshot });
    out.page.errors.push(...seen.errors.splice(0));
    await page.close();
    if (bigPage) {
      const [big, bigSeen] = await open(browser, bigPage);
      out.big = bigSeen;
      out.big.nodes = await big.locator("#graph [data-node]").count();
      out.big.folded = await big.locator("#graph .folded").count();
      // The overview a reviewer opens to: every module closed, counting its changes.
      await big.screenshot({ path: screenshot.replace(/plan-300\.png$/, "plan-5000.png") });
      await big.click("#expand-all");
      out.big.expandedNodes = await big.locator("#graph [data-node]").count();
      await big.close();
    }
  } finally {
    await browser.close();
  }
  console.log(JSON.stringify(out));
})().catch((e) => { console.error(e); process.exit(1); });
