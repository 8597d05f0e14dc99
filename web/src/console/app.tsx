export function App() {
  return (
    <main>
      <h1>microshop console</h1>
    </main>
  );
}
