#!/usr/bin/python3
"""Draw compile time against depth from bench/compile/run.sh's table as an SVG line chart.

  /usr/bin/python3 bench/compile/plot.py build/bench-compile/results/compile-depth.md OUT.svg

Two lines, outlined and inline, seconds against layers; standard library only.
"""
import sys


def read(path):
    rows = {}
    for line in open(path):
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 6 and cells[0].isdigit():
            rows.setdefault(cells[1], []).append((int(cells[0]), float(cells[2])))
    return rows


def main():
    src, out = sys.argv[1], sys.argv[2]
    rows = read(src)
    width, height, left, bottom, top, right = 560, 320, 56, 44, 36, 140
    xs = sorted({x for line in rows.values() for x, _ in line})
    xmax = max(xs)
    ymax = max(y for line in rows.values() for _, y in line)
    ymax = (int(ymax / 20) + 1) * 20

    def px(x):
        return left + (width - left - right) * x / xmax

    def py(y):
        return height - bottom - (height - bottom - top) * y / ymax

    svg = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           f'font-family="sans-serif" font-size="12">',
           f'<rect width="{width}" height="{height}" fill="white"/>',
           f'<text x="{left}" y="20" font-size="14">ternion-compile time against depth (bench model, dim 768)</text>']
    for y in range(0, ymax + 1, 20):
        svg.append(f'<line x1="{left}" x2="{width - right}" y1="{py(y):.1f}" y2="{py(y):.1f}" stroke="#ddd"/>')
        svg.append(f'<text x="{left - 8}" y="{py(y) + 4:.1f}" text-anchor="end">{y}</text>')
    for x in xs:
        svg.append(f'<text x="{px(x):.1f}" y="{height - bottom + 16}" text-anchor="middle">{x}</text>')
    svg.append(f'<text x="{(left + width - right) / 2}" y="{height - 8}" text-anchor="middle">layers</text>')
    svg.append(f'<text x="14" y="{(top + height - bottom) / 2}" transform="rotate(-90 14 '
               f'{(top + height - bottom) / 2})" text-anchor="middle">seconds</text>')
    styles = {"false": ("#c0392b", "inline (--outline-layers=false)"),
              "true": ("#2471a3", "outlined (default)")}
    for i, (key, (color, label)) in enumerate(styles.items()):
        line = sorted(rows.get(key, []))
        if not line:
            continue
        points = " ".join(f"{px(x):.1f},{py(y):.1f}" for x, y in line)
        svg.append(f'<polyline points="{points}" fill="none" stroke="{color}" stroke-width="2"/>')
        for x, y in line:
            svg.append(f'<circle cx="{px(x):.1f}" cy="{py(y):.1f}" r="3" fill="{color}"/>')
            svg.append(f'<text x="{px(x) + 5:.1f}" y="{py(y) - 6:.1f}" fill="{color}" font-size="10">{y:.0f}</text>')
        ly = top + 20 + 20 * i
        svg.append(f'<line x1="{width - right + 12}" x2="{width - right + 30}" y1="{ly}" y2="{ly}" '
                   f'stroke="{color}" stroke-width="2"/>')
        svg.append(f'<text x="{width - right + 34}" y="{ly + 4}" font-size="10">{label}</text>')
    svg.append("</svg>")
    with open(out, "w") as f:
        f.write("\n".join(svg) + "\n")


if __name__ == "__main__":
    main()
