package dev.paraglue.lambda;

import java.util.function.Supplier;

/** A supplier computed once, on first use: handlers build their SDK clients on the first event. */
public final class Memo {
  private Memo() {}

  public static <T> Supplier<T> of(Supplier<T> s) {
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
