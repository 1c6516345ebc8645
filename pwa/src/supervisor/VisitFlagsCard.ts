// The supervisor's home section for residents not reached twice in a row. A render function,
// not an SFC, so Vitest (plain Node, no Vue plugin) can render it to HTML as the supervisor sees it.
// Their CSS comes with the importing SFC (SupervisorHome.vue): Node cannot import .css files.
import { Cell, CellGroup, Tag } from 'vant'
import { defineComponent, h } from 'vue'
import type { PropType } from 'vue'
import { t } from '../i18n'
import { flaggedResidents } from './visitFlags'
import '../cases/messages'

export default defineComponent({
  name: 'VisitFlagsCard',
  props: {
    /** The GET /visits/flags answer; null while it has not come (nothing is listed then). */
    answer: { type: Object as PropType<object | null>, default: null },
    /** Why there is no answer (no network and nothing cached, or the server refused). */
    error: { type: String as PropType<string | null>, default: null },
  },
  setup(props) {
    return () => {
      const rows = props.answer === null ? null : flaggedResidents(props.answer)
      const children =
        rows === null
          ? props.error
            ? [h('div', { class: 'section-empty' }, props.error)]
            : []
          : rows.length === 0
            ? [h('div', { class: 'section-empty', 'data-testid': 'visit-flags-empty' }, t('flags.empty'))]
            : [
                h('div', { class: 'muted', style: 'padding: 8px 16px 0' }, t('flags.hint')),
                ...rows.map((row) =>
                  h(
                    Cell,
                    {
                      key: row.id,
                      'data-testid': 'flagged-resident',
                      'data-resident-id': row.id,
                      center: true,
                    },
                    {
                      title: () => [
                        h('strong', row.name),
                        ' ',
                        h(Tag, { plain: true, type: 'primary' }, () => row.gridName),
                      ],
                      label: () => [
                        h('div', row.address),
                        h(
                          'div',
                          { 'data-testid': 'flag-attempts' },
                          t('flags.attempts', { dates: row.attempts.join('、') }),
                        ),
                      ],
                      value: () => row.phoneMasked || t('flags.noPhone'),
                    },
                  ),
                ),
              ]
      return h(CellGroup, { inset: true, title: t('flags.title'), 'data-testid': 'visit-flags' }, () => children)
    }
  },
})
