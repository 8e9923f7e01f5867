"""The experiments behind the topic pages, one module each: the recurrent layer
(:mod:`~rnn_core.labs.layer`), gradients through time (:mod:`~rnn_core.labs.gradients`), the
long-lag memory task (:mod:`~rnn_core.labs.memory`), gates at work (:mod:`~rnn_core.labs.gates`),
transfer learning (:mod:`rnn_core.labs.transfer`) and the character-level language model
(:mod:`~rnn_core.labs.text`, :mod:`~rnn_core.labs.text_writing`)."""
