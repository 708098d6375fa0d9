/** Messages that belong to no single field, at the top of a form or page. */
export function ErrorSummary({ messages, title = "There is a problem" }: { messages: string[]; title?: string }) {
  if (messages.length === 0) return null;
  return (
    <div className="error-summary" role="alert">
      <h2>{title}</h2>
      <ul>
        {messages.map((message) => (
          <li key={message}>{message}</li>
        ))}
      </ul>
    </div>
  );
}
