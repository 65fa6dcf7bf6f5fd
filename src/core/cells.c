/* cells.c - the registry of cell types. A new variant is one file with its
 * cell_type, one line here, and its gradient check. */
#include <string.h>

#include "cell.h"

extern const cell_type cell_rnn_tanh, cell_rnn_relu, cell_rnn_sigmoid, cell_lstm, cell_gru, cell_lstm_peephole,
    cell_lstm_cifg, cell_lstm_nfg, cell_gru_cho, cell_mgu, cell_indrnn, cell_mingru, cell_minlstm, cell_cornn,
    cell_exprnn, cell_lru, cell_lstm_vo;

static const cell_type *const cells[] = {
    &cell_rnn_tanh,
    &cell_rnn_relu,
    &cell_lstm,
    &cell_gru,
    &cell_lstm_peephole,
    &cell_lstm_cifg,
    &cell_lstm_nfg,
    &cell_gru_cho,
    &cell_mgu,
    &cell_indrnn,
    &cell_mingru,
    &cell_minlstm,
    &cell_cornn,
    &cell_exprnn,
    &cell_lru,
    &cell_rnn_sigmoid,      /* late: the checks' draws of the cells above stay as they were */
    &cell_lstm_vo,
};

int cell_count(void) { return (int)(sizeof cells / sizeof cells[0]); }

const cell_type *cell_at(int i) { return cells[i]; }

const cell_type *cell_find(const char *name)
{
    for (int i = 0; i < cell_count(); i++)
        if (strcmp(cells[i]->name, name) == 0)
            return cells[i];
    return NULL;
}
