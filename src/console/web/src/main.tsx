// The console app: a header with navigation and one page per hash route.
import { render } from 'preact';
import { href, useRoute } from './hooks';
import { OverviewPage } from './overview';
import { TopicsPage } from './topics';
import { TopicPage } from './topic';
import { GroupPage, GroupsPage } from './groups';
import './style.css';

function App() {
  const [section, id, tab] = useRoute();
  const current = section ?? '';
  const link = (to: string, label: string) => (
    <a href={href(...(to ? [to] : []))} aria-current={current === to ? 'page' : undefined}>
      {label}
    </a>
  );
  return (
    <>
      <a class="skip" href="#main" onClick={(e) => (e.preventDefault(), document.getElementById('main')?.focus())}>
        Skip to content
      </a>
      <header>
        <span class="brand">Brook console</span>
        <nav aria-label="Sections">
          {link('', 'Overview')}
          {link('topics', 'Topics')}
          {link('groups', 'Consumer groups')}
        </nav>
      </header>
      <main id="main" tabIndex={-1}>
        {section === 'topics' && id ? (
          <TopicPage key={id} name={id} tab={tab} />
        ) : section === 'topics' ? (
          <TopicsPage />
        ) : section === 'groups' && id ? (
          <GroupPage key={id} id={id} />
        ) : section === 'groups' ? (
          <GroupsPage />
        ) : (
          <OverviewPage />
        )}
      </main>
    </>
  );
}

render(<App />, document.getElementById('app')!);
