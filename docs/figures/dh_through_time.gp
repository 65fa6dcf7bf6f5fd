# dh_through_time.gp - the README's figure: ||dL/dh_t|| against t at a few
# training steps of one lstm run on adding, T = 100. Data: the --norms TSV of
#   rnnbench train --cell lstm --task adding --seq-len 100 --hidden 64 --batch 64 \
#     --steps 2000 --lr 1e-2 --clip norm:1 --print-every 100 --norms docs/figures/lstm_adding_T100.tsv
# Redraw: cd docs/figures && gnuplot dh_through_time.gp
set terminal pngcairo size 900,520 font "DejaVu Sans,12" enhanced
set output "dh_through_time.png"
set datafile separator "\t"
set title "LSTM on the adding problem, T = 100: gradient reaching each timestep"
set xlabel "timestep t"
set ylabel "||dL/dh_t||"
set logscale y
set format y "10^{%L}"
set xrange [1:100]
set yrange [1e-22:1]
set key right bottom Left reverse box opaque
set grid xtics ytics lc rgb "#dddddd"
set style data lines
steps = "1 500 1100 1200 2000"
labels = "'step 1 (initial weights)' 'step 500 (on the baseline)' 'step 1100 (still on it)' 'step 1200 (loss falling)' 'step 2000 (learnt, loss 0.001)'"
colors = "#1b9e77 #d95f02 #7570b3 #e7298a #66a61e"
plot for [i=1:words(steps)] "lstm_adding_T100.tsv" \
     using ($1 == word(steps, i) + 0 ? $2 : NaN):3 skip 1 \
     lw 2 lc rgb word(colors, i) title word(labels, i)
