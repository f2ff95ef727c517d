using System.Text.Json;
using Microsoft.Playwright;

namespace FukushiMap.Server.Tests.Browser;

/// <summary>Accessibility checks run inside a page: text contrast from computed colours, and axe-core.</summary>
public static class PageAudit
{
    /// <summary>A text whose colour on its background is below the threshold.</summary>
    public sealed record LowContrast(string Where, string Text, string Colour, string Background, double Ratio);

    /// <summary>An axe-core violation.</summary>
    public sealed record Violation(string Id, string Impact, int Nodes, string Where);

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>
    /// Every visible element with text of its own (not disabled): its computed colour, composited with the opacity of it and its
    /// ancestors, over the effective background (the first opaque background-color walking up the ancestors, with every
    /// translucent one on the way blended in; white at the root). Returns those below <paramref name="minimum"/>:1.
    /// </summary>
    public static async Task<List<LowContrast>> LowContrastTextAsync(IPage page, double minimum = 4.5)
    {
        var json = await page.EvaluateAsync<string>("""
            (minimum) => {
              const parse = (c) => {
                const m = c.match(/rgba?\(([^)]+)\)/);
                if (!m) return [0, 0, 0, 0];
                const p = m[1].split(/[ ,/]+/).filter(Boolean).map(Number);
                return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1];
              };
              const over = (top, bottom) => {
                const a = top[3];
                return [0, 1, 2].map((i) => top[i] * a + bottom[i] * (1 - a)).concat(1);
              };
              const luminance = (c) => {
                const [r, g, b] = c.slice(0, 3).map((v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
                return 0.2126 * r + 0.7152 * g + 0.0722 * b;
              };
              const ratio = (a, b) => { const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); };
              const background = (el) => {
                const layers = [];
                for (let e = el; e && e.nodeType === 1; e = e.parentElement) {
                  const bg = parse(getComputedStyle(e).backgroundColor);
                  if (bg[3] > 0) layers.push(bg);
                  if (bg[3] >= 1) break;
                }
                let result = [255, 255, 255, 1];
                for (const layer of layers.reverse()) result = over(layer, result);
                return result;
              };
              const opacity = (el) => {
                let o = 1;
                for (let e = el; e && e.nodeType === 1; e = e.parentElement) o *= Number(getComputedStyle(e).opacity);
                return o;
              };
              const visible = (el) => {
                if (el.closest('[hidden], [aria-hidden="true"]')) return false;
                const s = getComputedStyle(el);
                if (s.visibility !== 'visible' || s.display === 'none') return false;
                const r = el.getBoundingClientRect();
                if (r.width <= 1 || r.height <= 1) return false; // visually hidden (screen-reader text)
                for (let e = el; e && e.nodeType === 1; e = e.parentElement) {
                  const c = getComputedStyle(e);
                  if (c.clip === 'rect(0px, 0px, 0px, 0px)' || c.clipPath === 'inset(50%)') return false;
                }
                return true;
              };
              const out = [];
              for (const el of document.body.querySelectorAll('*')) {
                if (['SCRIPT', 'STYLE', 'NOSCRIPT', 'svg', 'OPTION'].includes(el.tagName)) continue;
                const own = [...el.childNodes].filter((n) => n.nodeType === 3).map((n) => n.textContent.trim()).join('');
                if (!own || el.matches(':disabled') || !visible(el)) continue;
                const bg = background(el);
                const fg = parse(getComputedStyle(el).color);
                fg[3] *= opacity(el);
                const shown = over(fg, bg);
                const r = ratio(shown, bg);
                if (r < minimum) {
                  const where = el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + (el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\s+/).join('.') : '');
                  out.push({ where, text: own.slice(0, 40), colour: getComputedStyle(el).color, background: `rgb(${bg.slice(0, 3).map(Math.round).join(', ')})`, ratio: Math.round(r * 100) / 100 });
                }
              }
              return JSON.stringify(out);
            }
            """, minimum);
        return JsonSerializer.Deserialize<List<LowContrast>>(json, Json)!;
    }

    /// <summary>
    /// Runs axe-core (WCAG 2.1 A and AA rules). It is loaded as a file of the page's own origin (answered by the test, never
    /// reaching the server): the page's Content-Security-Policy refuses inline script, and the audit runs with the policy in force.
    /// </summary>
    public static async Task<List<Violation>> AxeAsync(IPage page)
    {
        var script = await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "Finder", "axe", "axe.min.js"));
        var url = new Uri(new Uri(page.Url), "/__test/axe.min.js").ToString();
        await page.RouteAsync(url, route => route.FulfillAsync(new() { Body = script, ContentType = "text/javascript" }));
        if (!await page.EvaluateAsync<bool>("() => typeof axe !== 'undefined'"))
        {
            await page.AddScriptTagAsync(new() { Url = url });
        }
        var json = await page.EvaluateAsync<string>("""
            async () => {
              const r = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
              return JSON.stringify(r.violations.map(v => ({ id: v.id, impact: v.impact ?? 'none', nodes: v.nodes.length, where: v.nodes.slice(0, 5).map(n => n.target.join(' ')).join(' | ') })));
            }
            """);
        return JsonSerializer.Deserialize<List<Violation>>(json, Json)!;
    }
}
