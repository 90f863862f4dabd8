// Imported by nothing: editing it must invalidate nothing.
export const unrelated = 1;
