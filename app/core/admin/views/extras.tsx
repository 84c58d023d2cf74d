import { resourceUrl, text } from '../site.js';
import type { Text } from '../types.js';
import type { Display } from './cells.js';

/**
 * A card listing related rows with links (for relations a resource cannot show as an inline, e.g. a
 * many-to-many list); call it from a resource's `extra`.
 */
export function LinkList(props: { d: Display; title: Text; resource: string; items: Array<{ id: string; title: string }>; id?: string }): JSX.Element {
  const target = props.d.site.get(props.resource);
  return (
    <section class="card mb-3" id={props.id}>
      <div class="card-header">
        <h2 class="h6 mb-0" safe>{text(props.title, props.d.language)}</h2>
      </div>
      {props.items.length === 0 ? (
        <div class="card-body text-muted small" safe>{props.d.t('admin.empty')}</div>
      ) : (
        <ul class="list-group list-group-flush">
          {props.items.map((item) => (
            <li class="list-group-item">
              {target ? (
                <a href={`${resourceUrl(target, props.d.prefix)}${encodeURIComponent(item.id)}/`} safe>
                  {item.title}
                </a>
              ) : (
                <span safe>{item.title}</span>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
