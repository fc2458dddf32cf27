// Multiple-choice questions: the choice's own explanation appears when it is picked, announced
// through an aria-live region. Answers stay on the page; nothing is sent anywhere.
export function initQuizzes() {
  document.querySelectorAll<HTMLElement>('[data-quiz]').forEach((quiz) => {
    const feedback = quiz.querySelector<HTMLElement>('[data-quiz-feedback]')!;
    quiz.addEventListener('change', (e) => {
      const input = e.target as HTMLInputElement;
      if (input.type !== 'radio') return;
      const correct = input.dataset.correct === 'true';
      const explanation = input.closest('label')?.querySelector<HTMLTemplateElement>('template')?.innerHTML ?? '';
      feedback.innerHTML = `<span class="${correct ? 'good' : 'bad'}">${correct ? quiz.dataset.correctLabel : quiz.dataset.incorrectLabel}</span> ${explanation}`;
      quiz.dataset.answered = correct ? 'correct' : 'incorrect';
    });
  });
}
