package dev.paraglue.trigger;

import java.util.function.Supplier;

/** A supplier computed once, on first use: handlers build their SDK clients on the first event. */
final class Memo {
  private Memo() {}

  static <T> Supplier<T> of(Supplier<T> s) {
    return new Supplier<>() {
      private T value;

      @Override
      public synchronized T get() {
        if (value == null) {
          value = s.get();
        }
        return value;
      }
    };
  }
}
