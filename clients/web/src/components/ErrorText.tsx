/** An error in words the user understands (the problem's `detail`), announced to screen readers. */
export function ErrorText({ error }: { error: string | null | undefined }) {
  return error ? (
    <p className="error" role="alert">
      {error}
    </p>
  ) : null;
}
