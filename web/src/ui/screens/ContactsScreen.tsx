import { useMemo, useState } from "preact/hooks";
import { useI18n, type MessageKey } from "../../i18n";
import { useEntries } from "../hooks";
import { Screen } from "../components/Screen";
import { Meta } from "../components/Meta";
import { listedContacts } from "../../model/redirect";
import { searchContacts, sortByName } from "../search";

/** Rows drawn at first (a phone shows six): more on request, so opening stays fast at 5,000 contacts. */
const PAGE = 50;

export function ContactsScreen() {
  const i18n = useI18n();
  const { t } = i18n;
  const entries = useEntries();
  const [query, setQuery] = useState("");
  const [shown, setShown] = useState(PAGE);
  const contacts = useMemo(() => sortByName(listedContacts(entries)), [entries]);
  const results = useMemo(() => searchContacts(contacts, query), [contacts, query]);

  return (
    <Screen
      title={t("contacts.title")}
      action={
        <a class="button button--primary button--small" href="#/contacts/new" data-testid="new-contact">
          + {t("contacts.new")}
        </a>
      }
    >
      <input
        type="search"
        class="search"
        dir="auto"
        placeholder={t("contacts.searchHint")}
        aria-label={t("contacts.search")}
        value={query}
        onInput={(e) => {
          setQuery(e.currentTarget.value);
          setShown(PAGE);
        }}
      />
      <p class="muted" data-testid="contacts-count">
        {i18n.plural("contacts.count", results.length)}
      </p>
      {results.length === 0 ? <p class="empty">{contacts.length === 0 ? t("contacts.empty") : t("contacts.noMatch")}</p> : null}
      <ul class="list" data-testid="contacts-list">
        {results.slice(0, shown).map((e) => (
          <li key={e.id}>
            <a class="list__item" href={`#/contacts/${e.id}`}>
              <span class="list__title">{e.summary.name}</span>
              <Meta parts={[e.summary.phone, e.summary.neighbourhood || e.summary.city, e.summary.stage ? t(`stage.${e.summary.stage}` as MessageKey) : ""]} />
              {e.summary.conflicts > 0 ? <span class="badge">{t("contacts.conflict")}</span> : null}
              {e.sync.dirty ? <span class="dot-pending" aria-hidden="true" /> : null}
            </a>
          </li>
        ))}
      </ul>
      {results.length > shown ? (
        <button type="button" class="button" onClick={() => setShown(shown + PAGE)}>
          {t("contacts.more")}
        </button>
      ) : null}
    </Screen>
  );
}
