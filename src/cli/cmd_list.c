/* cmd_list.c - `rnnbench list`: what can be chosen, with its source. */
#include <stdio.h>
#include <string.h>

#include "cell.h"
#include "cli.h"
#include "task.h"

int cmd_list(int argc, char **argv)
{
    if (cli_wants_help(argc, argv)) {
        printf("usage: rnnbench list\n\nPrints the cells, tasks, inits, clip modes and optimizers.\n");
        return EXIT_OK;
    }
    if (argc > 0)
        return cli_fail("list", EXIT_USAGE, "unexpected argument '%s'", argv[0]);

    int w = 10;     /* the name column: as wide as the longest name */
    for (int i = 0; i < cell_count(); i++)
        w = (int)strlen(cell_at(i)->name) > w ? (int)strlen(cell_at(i)->name) : w;
    for (int i = 0; i < task_count(); i++)
        w = (int)strlen(task_at(i)->name) > w ? (int)strlen(task_at(i)->name) : w;
    printf("cells (--cell):\n");
    for (int i = 0; i < cell_count(); i++) {
        const cell_type *c = cell_at(i);
        printf("  %-*s %s\n  %-*s   source: %s\n", w, c->name, c->summary, w, "", c->source);
        if (c->init_paper_summary)
            printf("  %-*s   init paper: %s\n", w, "", c->init_paper_summary);
    }
    printf("\ntasks (--task):\n");
    for (int i = 0; i < task_count(); i++) {
        const task_type *t = task_at(i);
        printf("  %-*s %s\n  %-*s   source: %s\n", w, t->name, t->summary, w, "", t->source);
        printf("  %-*s   metric: %s; %s%s\n", w, "", t->metric_name, t->dataset ? "" : "solved when ", t->solved_rule);
    }
    printf("\ninits (--init; --forget-bias B for cells with a forget gate):\n"
           "  uniform            every weight and bias U(-1/sqrt(H), 1/sqrt(H)), PyTorch's default\n"
           "  paper              the cell's own paper's initialisation (\"init paper\" above); uniform\n"
           "                     for the cells PyTorch defines and their variants\n"
           "  orthogonal[:GAIN]  each gate block of weight_hh a random orthogonal matrix (Saxe et al. 2014)\n"
           "  identity[:SCALE]   each gate block of weight_hh SCALE*I, biases 0 (IRNN, Le et al. 2015);\n"
           "                     orthogonal and identity only for cells with a dense weight_hh\n"
           "  chrono[:TMAX]      forget bias log U[1, TMAX-1], input bias its negative; TMAX default the\n"
           "                     sequence length (Tallec & Ollivier 2018); cells with input and forget gates\n"
           "  normal:STD         every weight N(0, STD^2), the readout too, biases 0: Pascanu, Mikolov &\n"
           "                     Bengio 2013's \"sigmoid\" (0.01, rnn_sigmoid) and \"basic tanh\" (0.1)\n"
           "  sparse:K:RHO       their \"smart tanh\": weights N(0, 0.01^2), K entries of each column of\n"
           "                     weight_hh kept, scaled to spectral radius RHO (their code: 15, 0.95)\n"
           "  glorot             each gate block U(+-sqrt(6/(fan_in + fan_out))), the readout too, biases\n"
           "                     0 (Arjovsky, Shah & Bengio 2016's code)\n"
           "  glorot_identity    glorot, then weight_hh = I: their IRNN\n"
           "  henaff, cayley     exprnn's skew blocks (Lezcano-Casado & Martinez-Rubio 2019); paper = henaff\n"
           "\nclip modes (--clip):\n"
           "  none               the raw gradient\n"
           "  norm:THRESHOLD     rescale the whole gradient to THRESHOLD when its L2 norm is above it,\n"
           "                     keeping its direction (Pascanu, Mikolov & Bengio 2013, Algorithm 1)\n"
           "  value:THRESHOLD    clamp each component to [-THRESHOLD, THRESHOLD] (Mikolov 2012)\n"
           "  step:THRESHOLD     inside BPTT: clamp each component of dL/dh_t to [-THRESHOLD, THRESHOLD]\n"
           "                     at every timestep before it passes back through the recurrence\n"
           "                     (Graves 2013; Lasagne's grad_clipping); the recorded ||dL/dh_t|| is the clamped one\n"
           "\noptimizers (--optimizer), as torch.optim defines them:\n"
           "  sgd                p -= lr g\n"
           "  momentum           v = mu v + g; p -= lr v  (--nesterov: p -= lr (g + mu v))\n"
           "  rmsprop            s = alpha s + (1-alpha) g^2; p -= lr g / (sqrt(s) + eps); s starts at\n"
           "                     --rms-init (0; Arjovsky et al.'s code: 1e-3, with alpha 0.9, eps 0)\n"
           "  adam               Kingma & Ba 2015, with bias correction\n"
           "  --lr-step E:F      any of them: lr (and lr_orth) times F after every E-th update\n");
    return EXIT_OK;
}
