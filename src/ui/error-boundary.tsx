import { Component } from 'react';
import type { ReactNode } from 'react';
import { Box, Text } from 'ink';

type Props = {
  children: ReactNode;
  onError?: (error: Error) => void;
  /** The terminal's columns: the message wraps at them, not at Ink's narrow canvas. */
  width: number;
};
type State = { error: Error | undefined };

/**
 * A bug in a component must not leave a blank or frozen screen: show what broke and hand the
 * error to the console, which restores the terminal and leaves the tasks running.
 */
export class ErrorBoundary extends Component<Props, State> {
  override state: State = { error: undefined };

  static getDerivedStateFromError(error: Error): State {
    return { error };
  }

  override componentDidCatch(error: Error): void {
    this.props.onError?.(error);
  }

  override render(): ReactNode {
    if (this.state.error) {
      return (
        <Box width={this.props.width}>
          <Text color="red">
            backfill-console hit a bug: {this.state.error.message}. Running tasks keep running;
            start the console again to re-attach.
          </Text>
        </Box>
      );
    }
    return this.props.children;
  }
}
