import type { ComponentChildren } from "preact";
import { useI18n } from "../../i18n";

interface ScreenProps {
  readonly title: string;
  readonly back?: string;
  readonly action?: ComponentChildren;
  readonly children: ComponentChildren;
  readonly flash?: string;
}

/** A screen: its title bar (with a back link) and its content. */
export function Screen({ title, back, action, children, flash }: ScreenProps) {
  const { t } = useI18n();
  return (
    <main class="screen">
      <header class="screen__bar">
        {back !== undefined ? (
          <a class="screen__back" href={`#${back}`} aria-label={t("nav.back")}>
            <span aria-hidden="true" class="screen__back-arrow">
              ←
            </span>
          </a>
        ) : null}
        <h1 class="screen__title">{title}</h1>
        {action}
      </header>
      {flash ? (
        <p class="flash" role="status">
          {flash}
        </p>
      ) : null}
      <div class="screen__body">{children}</div>
    </main>
  );
}
