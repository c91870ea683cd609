// A dependency-free line chart of recent samples (SVG), and a hook that collects the samples by
// polling while the page is open. Used for throughput on the overview and lag on a group page.
import { useEffect, useRef, useState } from 'preact/hooks';

export interface Sample {
  timeMs: number;
  value: number;
}

const MAX_SAMPLES = 60;

/** Calls `read` every `intervalMs` and keeps the last samples; `null` readings are skipped. */
export function useSamples(read: () => Promise<number | null>, intervalMs: number, deps: unknown[]): Sample[] {
  const [samples, setSamples] = useState<Sample[]>([]);
  const readRef = useRef(read);
  readRef.current = read;
  useEffect(() => {
    let live = true;
    setSamples([]);
    const tick = async () => {
      const value = await readRef.current().catch(() => null);
      if (live && value !== null) setSamples((s) => [...s.slice(-(MAX_SAMPLES - 1)), { timeMs: Date.now(), value }]);
    };
    void tick();
    const timer = setInterval(() => void tick(), intervalMs);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, deps);
  return samples;
}

/** Per-second rates between consecutive samples of a growing total. */
export function rates(totals: Sample[]): Sample[] {
  const out: Sample[] = [];
  for (let i = 1; i < totals.length; i++) {
    const dt = (totals[i]!.timeMs - totals[i - 1]!.timeMs) / 1000;
    if (dt > 0) out.push({ timeMs: totals[i]!.timeMs, value: Math.max(0, (totals[i]!.value - totals[i - 1]!.value) / dt) });
  }
  return out;
}

export function LineChart(props: { title: string; samples: Sample[]; unit: string }) {
  const width = 600;
  const height = 120;
  const { samples } = props;
  const last = samples[samples.length - 1];
  const max = Math.max(1, ...samples.map((s) => s.value));
  const t0 = samples[0]?.timeMs ?? 0;
  const span = Math.max(1, (last?.timeMs ?? 1) - t0);
  const points = samples.map((s) => `${(((s.timeMs - t0) / span) * width).toFixed(1)},${(height - (s.value / max) * (height - 8) - 4).toFixed(1)}`).join(' ');
  const summary = last ? `${format(last.value)} ${props.unit} now, peak ${format(max)}` : 'collecting…';
  return (
    <figure class="chart">
      <figcaption>
        {props.title}: <strong>{summary}</strong>
      </figcaption>
      <svg viewBox={`0 0 ${width} ${height}`} preserveAspectRatio="none" role="img" aria-label={`${props.title}: ${summary}`}>
        <line x1="0" y1={height - 4} x2={width} y2={height - 4} class="axis" />
        {samples.length > 1 && <polyline points={points} class="line" />}
      </svg>
    </figure>
  );
}

function format(n: number): string {
  return n >= 100 ? Math.round(n).toLocaleString('en-US') : n.toFixed(n % 1 === 0 ? 0 : 1);
}
