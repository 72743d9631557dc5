import { Component, type ReactNode } from "react";

/**
 * Catches a lazily loaded chunk that failed (server unreachable, new build deployed) so the rest
 * of the app keeps working; `fallback` gets a retry that renders the children again.
 */
export class ChunkBoundary extends Component<{ children: ReactNode; fallback: (retry: () => void) => ReactNode; onError?: () => void }, { failed: boolean }> {
  state = { failed: false };
  static getDerivedStateFromError() {
    return { failed: true };
  }
  componentDidCatch() {
    this.props.onError?.();
  }
  render() {
    return this.state.failed ? this.props.fallback(() => this.setState({ failed: false })) : this.props.children;
  }
}
