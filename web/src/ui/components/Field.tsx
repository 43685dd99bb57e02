import type { ComponentChildren } from "preact";
import { useI18n } from "../../i18n";

let counter = 0;
export function useFieldId(name: string): string {
  return `f-${name}-${++counter}`;
}

interface FieldProps {
  readonly label: string;
  readonly id: string;
  readonly error?: string | undefined;
  readonly required?: boolean;
  readonly children: ComponentChildren;
}

/** A label, its control and its error message, linked for screen readers. */
export function Field({ label, id, error, required, children }: FieldProps) {
  const { t } = useI18n();
  return (
    <div class={`field${error ? " field--error" : ""}`}>
      <label for={id}>
        {label}
        {required ? <span class="field__required"> ({t("common.required")})</span> : null}
      </label>
      {children}
      {error ? (
        <p class="field__error" id={`${id}-error`} role="alert">
          {error}
        </p>
      ) : null}
    </div>
  );
}

interface TextInputProps {
  readonly label: string;
  readonly name: string;
  readonly value: string;
  readonly onInput: (value: string) => void;
  readonly error?: string | undefined;
  readonly required?: boolean;
  readonly type?: string;
  readonly inputMode?: "text" | "numeric" | "tel" | "search";
  readonly autoComplete?: string;
  readonly dir?: "ltr" | "rtl" | "auto";
}

export function TextInput(props: TextInputProps) {
  const id = `f-${props.name}`;
  return (
    <Field label={props.label} id={id} error={props.error} required={props.required ?? false}>
      <input
        id={id}
        name={props.name}
        type={props.type ?? "text"}
        inputMode={props.inputMode ?? "text"}
        autoComplete={props.autoComplete ?? "off"}
        dir={props.dir ?? "auto"}
        value={props.value}
        aria-invalid={props.error ? "true" : "false"}
        aria-describedby={props.error ? `${id}-error` : undefined}
        onInput={(e) => props.onInput(e.currentTarget.value)}
      />
    </Field>
  );
}

interface TextAreaProps {
  readonly label: string;
  readonly name: string;
  readonly value: string;
  readonly onInput: (value: string) => void;
}

export function TextArea(props: TextAreaProps) {
  const id = `f-${props.name}`;
  return (
    <Field label={props.label} id={id}>
      <textarea id={id} name={props.name} rows={3} dir="auto" value={props.value} onInput={(e) => props.onInput(e.currentTarget.value)} />
    </Field>
  );
}

interface SelectProps<T extends string> {
  readonly label: string;
  readonly name: string;
  readonly value: T | "";
  readonly options: readonly { readonly value: T; readonly label: string }[];
  readonly onChange: (value: T | "") => void;
  readonly error?: string | undefined;
}

export function Select<T extends string>(props: SelectProps<T>) {
  const { t } = useI18n();
  const id = `f-${props.name}`;
  return (
    <Field label={props.label} id={id} error={props.error}>
      <select id={id} name={props.name} value={props.value} onChange={(e) => props.onChange(e.currentTarget.value as T | "")}>
        <option value="">{t("contact.choose")}</option>
        {props.options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </Field>
  );
}

interface ChipsProps<T extends string> {
  readonly legend: string;
  readonly name: string;
  readonly options: readonly { readonly value: T; readonly label: string }[];
  readonly selected: readonly T[];
  readonly onChange: (selected: T[]) => void;
}

/** Several choices as large toggle buttons (a set field). */
export function Chips<T extends string>({ legend, name, options, selected, onChange }: ChipsProps<T>) {
  return (
    <fieldset class="chips" data-name={name}>
      <legend>{legend}</legend>
      <div class="chips__list">
        {options.map((o) => {
          const on = selected.includes(o.value);
          return (
            <button
              type="button"
              key={o.value}
              class={`chip${on ? " chip--on" : ""}`}
              aria-pressed={on ? "true" : "false"}
              onClick={() => onChange(on ? selected.filter((s) => s !== o.value) : [...selected, o.value])}
            >
              {o.label}
            </button>
          );
        })}
      </div>
    </fieldset>
  );
}

interface ChoiceProps<T extends string> {
  readonly legend: string;
  readonly name: string;
  readonly options: readonly { readonly value: T; readonly label: string }[];
  readonly value: T | "";
  readonly onChange: (value: T | "") => void;
}

/** One choice among few, as toggle buttons; tapping the chosen one clears it. */
export function Choice<T extends string>({ legend, name, options, value, onChange }: ChoiceProps<T>) {
  return (
    <fieldset class="chips" data-name={name}>
      <legend>{legend}</legend>
      <div class="chips__list">
        {options.map((o) => {
          const on = value === o.value;
          return (
            <button type="button" key={o.value} class={`chip${on ? " chip--on" : ""}`} aria-pressed={on ? "true" : "false"} onClick={() => onChange(on ? "" : o.value)}>
              {o.label}
            </button>
          );
        })}
      </div>
    </fieldset>
  );
}
